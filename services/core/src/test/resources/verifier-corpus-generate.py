# Generates arithmetic families for the verifier corpus; each verdict follows from exact rational arithmetic here.
import random
from fractions import Fraction as F
rnd = random.Random(20261126)
rows = []
def add(p, r, v, note):
    rows.append((p, r, '1' if v else '0', note))

def dec(fr):
    # terminating decimal string or None
    d = fr.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d != 1:
        return None
    s = format(fr.numerator / fr.denominator, '.10f').rstrip('0').rstrip('.')
    return s if F(s) == fr else None

# fractions
for _ in range(40):
    q = rnd.randint(2, 40); p = rnd.randint(1, 60)
    fr = F(p, q)
    k = rnd.randint(2, 5)
    forms = [f'\\frac{{{p}}}{{{q}}}', f'\\dfrac{{{p}}}{{{q}}}', f'{p}/{q}', f'\\frac{{{k*p}}}{{{k*q}}}']
    d = dec(fr)
    if d: forms.append(d)
    a, b = rnd.sample(forms, 2)
    add(a, b, True, 'generated fraction forms')
    wrong = F(p + 1, q)
    add(f'\\frac{{{p+1}}}{{{q}}}', f'\\frac{{{p}}}{{{q}}}', wrong == fr, 'generated fraction off by one')
# thousands separators
for _ in range(20):
    n = rnd.randint(1000, 99999999)
    sep = f'{n:,}'
    add(sep, str(n), True, 'generated thousands separator')
    add(sep, str(n + rnd.choice([1, 9, 10, 100])), False, 'generated separated number differs')
# percent
for _ in range(15):
    k = rnd.randint(1, 99)
    add(f'{k}\\%', dec(F(k, 100)), True, 'generated percent vs fraction')
    add(f'{k}\\%', str(k), True, 'generated percent stripped')
    add(f'{k}\\%', str(k + 1), False, 'generated percent off by one')
# factored polynomials
for _ in range(20):
    a = rnd.randint(-9, 9); b = rnd.randint(-9, 9)
    def lin(c):
        return 'x' if c == 0 else (f'x+{c}' if c > 0 else f'x-{-c}')
    s, prod = a + b, a * b
    def poly(s, prod):
        t = 'x^2'
        if s: t += (f'+{s}x' if s > 0 else f'-{-s}x')
        if prod: t += (f'+{prod}' if prod > 0 else f'-{-prod}')
        return t
    add(f'({lin(a)})({lin(b)})', poly(s, prod), True, 'generated factorisation')
    add(f'({lin(a)})({lin(b)})', poly(s, prod + 1), False, 'generated factorisation constant off')
# radicals
for _ in range(15):
    k = rnd.randint(2, 9); m = rnd.choice([2, 3, 5, 6, 7, 10, 11])
    add(f'{k}\\sqrt{{{m}}}', f'\\sqrt{{{k*k*m}}}', True, 'generated radical simplification')
    add(f'{k+1}\\sqrt{{{m}}}', f'\\sqrt{{{k*k*m}}}', False, 'generated radical wrong coefficient')
# intervals
brs = ['()', '[]', '[)', '(]']
for _ in range(15):
    a = rnd.randint(-20, 5); b = a + rnd.randint(1, 20)
    o, c = rnd.choice(brs)
    add(f'\\left{o}{a}, {b}\\right{c}', f'{o}{a},{b}{c}', True, 'generated interval with left/right')
    o2, c2 = rnd.choice([x for x in brs if x != o + c])
    add(f'{o2}{a}, {b}{c2}', f'{o}{a},{b}{c}', False, 'generated interval brackets differ')
# sets
for _ in range(15):
    els = rnd.sample(range(-10, 30), rnd.randint(2, 5))
    perm = els[:]; rnd.shuffle(perm)
    add('\\{' + ', '.join(map(str, perm)) + '\\}', '\\{' + ','.join(map(str, els)) + '\\}', True, 'generated set permutation')
    bad = perm[:]; bad[0] = bad[0] + 100
    add('\\{' + ', '.join(map(str, bad)) + '\\}', '\\{' + ','.join(map(str, els)) + '\\}', False, 'generated set element changed')
# choices
letters = 'ABCDE'
for _ in range(10):
    r = rnd.choice(letters)
    fmt = rnd.choice(['({})', '{}', '\\text{{({})}}', '{}.', '\\text{{{}}}'])
    add(fmt.format(r), r, True, 'generated choice format')
    w = rnd.choice([x for x in letters if x != r])
    add(fmt.format(w), r, False, 'generated wrong choice')
with open('/tmp/corpus_gen.tsv', 'w') as f:
    for row in rows:
        f.write('\t'.join(row) + '\n')
print(len(rows))
